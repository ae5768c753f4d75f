import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// Dream's entropy-ordered sampler, as DiffuCoder runs it, at its evaluation's top-p.
describeAuthorsReference(['Dream (DiffuCoder)']);

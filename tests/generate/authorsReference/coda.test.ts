import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// CoDA's entropy-ordered sampler (its generation_utils.py), at its evaluation's top-p.
describeAuthorsReference(['CoDA']);

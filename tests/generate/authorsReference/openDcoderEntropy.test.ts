import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// Open-dCoder's entropy-ordered sampler (Open-dLLM's generation_utils.py).
describeAuthorsReference(['Open-dCoder'], (c) => c.sampler !== 'p2');

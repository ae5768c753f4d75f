import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// Open-dLLM's p2 sampler, its infill evaluation's 64 steps among them: a file of its own, the longest of the cases.
describeAuthorsReference(['Open-dCoder'], (c) => c.sampler === 'p2');

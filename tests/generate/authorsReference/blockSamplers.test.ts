import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// Fast-dLLM v2's and SDAR's block samplers, with their confidence thresholds.
describeAuthorsReference(['Fast-dLLM v2', 'SDAR']);

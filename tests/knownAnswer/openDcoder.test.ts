import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// Open-dCoder: shifted, its infill prompt.
describeKnownAnswerFamily('open-dcoder-0.5B');

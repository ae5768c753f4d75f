import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// CoDA: shifted, a Qwen3 body in two shards.
describeKnownAnswerFamily('CoDA-v0-Instruct');

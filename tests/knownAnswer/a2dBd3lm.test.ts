import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// dLLM's A2D BD3LM: block-causal, blocks of 32.
describeKnownAnswerFamily('Qwen2.5-Coder-0.5B-Instruct-diffusion-bd3lm-v0.1');

import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// dLLM's A2D MDLM on a Qwen2 body, Builder's default family.
describeKnownAnswerFamily('Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1');

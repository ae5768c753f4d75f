import { describeKnownAnswerFamily } from '../support/knownAnswerSuite';

// dLLM's A2D MDLM on a Qwen3 body (q_norm and k_norm, no qkv bias).
describeKnownAnswerFamily('Qwen3-0.6B-diffusion-mdlm-v0.1');

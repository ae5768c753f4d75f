import { describeAuthorsReference } from '../../support/authorsSamplers/referenceSuite';

// dLLM's MDLM and BD3LM samplers on the A2D checkpoints, Qwen2 and Qwen3 bodies.
describeAuthorsReference(['dLLM MDLM, Qwen2 body', 'dLLM MDLM, Qwen3 body', 'dLLM BD3LM, Qwen2 body', 'dLLM BD3LM, Qwen3 body']);

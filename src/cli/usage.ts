/** `builder --help`: the command's contract, as docs/cli.md gives it. */
export const USAGE = `Usage: builder <command> [options]

Commands:
  builder outline FILE [--language LANG] --json
  builder mask FILE --target NAME[,NAME...] [--mode definition|body] --json
  builder tiny-model --kind diffusion|autoregressive --out DIR [--seed N]
  builder convert --from HF_DIR --out DIR [--quant q4|q8|fp16|fp32] [--kind diffusion|autoregressive]
                [--family NAME] [--logits-shift 0|1] [--mask-token TOKEN]
  builder patch --file FILE --target NAME[,NAME...] --prompt TEXT --model DIR
                [--mode definition|body] [--fallback-model DIR] [--preset demo|fast|balanced|quality] [--steps N]
                [--schedule linear|cosine|sqrt] [--cfg S] [--temperature T] [--top-p P] [--seed N]
                [--remasking low-confidence|entropy|margin|random]
                [--strength X] [--cache-interval N] [--parallel-threshold X] [--context-tokens N]
                [--backend native|wasm|cuda] [--precision auto|q4|q8|fp16|fp32]
                [--out FILE.patch] [--json FILE.json]
  builder batch --plans PLANS.json --model DIR [--out-dir DIR]
  builder batch --plans PLANS.json --root DIR [--out FILE.patch] [--apply] [--model DIR]
                [--json FILE.json] [--shard I/N]
  builder batch --merge A.patch B.patch ... [--out FILE.patch]
  builder plan --root DIR --target FILE:NAME [--target FILE:NAME ...] --prompt TEXT
               [--out PLANS.json] [--budget CHARS]
  builder pull REPO[@REVISION] --out DIR [--quant auto|q4|q8|fp16|fp32] [--family NAME] [--kind diffusion|autoregressive]
  builder bench [--json FILE] [--docs FILE] [--quick] [--browser] [--section backends]
  builder sample --model DIR --input FILE.json [--json OUT.json] [--backend native|wasm|cuda]
                 [--precision q4|q4f16|q8|fp16|fp32]
  builder eval --model DIR --data FILE.jsonl[.gz] [--limit N] [--oracle | --empty-middle] --out RESULTS.json
               [--fallback-model DIR] [--length oracle|builder] [--timeout S]
               [--markdown] [sampling options as for patch]

patch and batch also take --no-fallback. Without --model, the preset's model is looked up in
public/models.

--backend native (the default where onnxruntime-node loads; else WASM, and stderr says why) runs
onnxruntime-node's CPU kernels; wasm runs onnxruntime-web's WASM build; cuda runs onnxruntime-node's
CUDA provider where it is installed (docs/cli.md says how) and is refused in one line where not.
--precision (or --quant) auto, the default, runs each model folder at the best precision it has
for the backend (native and WASM: q8, then q4, fp32); a precision the folder lacks is refused
with the builder convert line that makes it. stderr names the backend and precision first, then,
after the first forward pass, the passes the run will take and their estimated time.

--cache-interval N: every Nth denoising step runs over the whole file and caches its keys and
values; the steps between run over the targets only (default 8; 0 runs every step over the whole
file). --parallel-threshold X: also reveal, in the same step, every masked token the model gives
at least probability X (0 < X <= 1; default 0, off). --context-tokens N: the most tokens of the
file the model sees; a longer file is cut to a window around the targets (default 1,024; 4,096
with the demo preset).

--top-p P and --remasking (which masked token is revealed first: the surest, by entropy, by the
top-two margin, or at random) override the preset's. The presets carry dLLM's settings (top-p 1,
the surest first); a model whose authors sample otherwise (CoDA and Dream: entropy, top-p 0.9;
Open-dCoder: top-p 0.95) runs their way with these two and --temperature, and the patch's
provenance lists every setting that departs from its authors'.

batch --root runs plans whose paths are relative to the folder DIR and writes one patch for it
(to --out, else stdout) that git apply takes at DIR; files that do not apply are left out and
named on stderr. --apply also writes the files that apply, each only if it is unchanged on disk
since it was read (its SHA-256), and names those left alone. --shard I/N (I from 0, as
JOB_COMPLETION_INDEX) runs only the plans of the files that hash to shard I, a file's plans always
together; --json writes the run's provenance. batch --merge joins the shards' patches into exactly
the unsharded run's patch. plan writes that plans file (to --out,
else stdout): one plan per file, with the code of other files its targets use or are called from
as context (imports followed for Python and TypeScript/JavaScript, names matched elsewhere; at most
--budget characters, default 8000), honouring .gitignore and skipping vendored folders.

Targets are names (parse), qualified names (Parser.parse or Parser::parse), or NAME@LINE to pick
one of several definitions with the same name. \`mask --at LINE:COLUMN\` targets the innermost
definition around a cursor position.

pull downloads a Hugging Face repository at the commit REVISION names (default main) and converts its
checkpoint, or stores a transformers.js-layout ONNX export as it is; a stopped pull resumes from
DIR.download. A checkpoint's kind and family are the family table's (as for convert; dLLM's MDLM and
BD3LM by "mdlm"/"bd3lm" in the repository's name); --kind and --family override them. HF_ENDPOINT
points it at a mirror; HF_TOKEN is sent for gated and private repositories.

bench measures the sampler on WASM in Node (2 threads): the tiny models and the 0.5B shape (random
weights, generated into .bench/models on first use), the autoregressive fallback and transformers.js,
and native onnxruntime against WASM on the largest shape (whole and span passes, decoding);
--browser measures the tiny shape in the system Chromium instead, on WebGPU (SwiftShader where there
is no GPU) and on WASM; --quick measures the tiny models only, in fewer steps; --docs FILE rewrites
the run's own sections of the generated benchmarks page (npm run bench writes docs/benchmarks.md);
--section backends measures only native onnxruntime against WASM (minutes, not half an hour), with
the time per step at the authors' exact settings on the 2,000-token file on each backend.

eval scores a model's infilling on a HumanEval-Infilling set (openai/human-eval-infilling): each
task's middle is regenerated as a patch's span is, and the program with the task's tests runs in
python3 (its own process and temporary folder, --timeout S seconds, default 3, 1 GiB, no network);
pass@1, exact match, valid syntax and speed are printed as a table (--markdown for docs) and
written to RESULTS.json. --length oracle (default) gives the middle as many masks as the
benchmark's middle has tokens; builder sizes it as patch does. --oracle and --empty-middle score
the benchmark's own middle and an empty one, without a model. Results are appended per task to
RESULTS.tasks.jsonl; a stopped run with the same settings continues where it stopped.

sample fills the input's "fill" positions of "tokens" with the model's authors' sampler (or the
"settings" it gives: sampler mdlm|bd3lm|dream|p2|sdar|fast-dllm-v2|builder, steps, blockLength,
temperature, ...) and writes the final ids and the reveal trace, every forward pass's revealed
positions and tokens, as JSON (docs/cli.md); --quant defaults to the most precise graph the folder
holds.

Exit codes: 0 done; 2 bad input or usage; 3 a patch was produced but cannot apply; 1 internal fault.
`;

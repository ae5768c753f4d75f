/** `builder --help`: the command's contract, as DESIGN.md gives it. */
export const USAGE = `Usage: builder <command> [options]

Commands:
  builder outline FILE [--language LANG] --json
  builder mask FILE --target NAME[,NAME...] [--mode definition|body] --json
  builder tiny-model --kind diffusion|autoregressive --out DIR [--seed N]
  builder convert --from HF_DIR --out DIR [--quant q4|fp16|fp32] [--kind diffusion|autoregressive]
  builder patch --file FILE --target NAME[,NAME...] --prompt TEXT --model DIR
                [--fallback-model DIR] [--preset demo|fast|balanced|quality] [--steps N]
                [--schedule linear|cosine|sqrt] [--cfg S] [--temperature T] [--seed N]
                [--strength X] [--out FILE.patch] [--json FILE.json]
  builder batch --plans PLANS.json --model DIR [--out-dir DIR]
  builder bench [--json FILE]

patch and batch also take --quant q4|q4f16|fp16|fp32 (default q4) and --no-fallback. Without --model,
the preset's model is looked up in public/models.

Targets are names (parse), qualified names (Parser.parse or Parser::parse), or NAME@LINE to pick
one of several definitions with the same name. \`mask --at LINE:COLUMN\` targets the innermost
definition around a cursor position.

Exit codes: 0 done; 2 bad input or usage; 3 a patch was produced but cannot apply; 1 internal fault.
`;

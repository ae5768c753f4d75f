import { SyntaxParser } from '../../syntax/syntaxParser';

let parser: Promise<SyntaxParser> | undefined;

/** The page's one tree-sitter parser; WASM is served from public/wasm beside the app. */
export function browserParser(): Promise<SyntaxParser> {
  parser ??= SyntaxParser.create((fileName) => new URL(`${import.meta.env.BASE_URL}wasm/${fileName}`, location.href).href);
  return parser;
}

/**
 * The emulator's tokenizer: a deterministic approximation of a BPE tokenizer (≈ 4 characters per token on English),
 * used for everything that counts tokens — CountTokens, `usage`, quotas and prompt caching — so they always agree.
 *
 * Rules: a run of letters costs 1 token per started 6 letters (most words are one token, long words two or three);
 * a run of digits costs 1 token per started 3 digits; every other non-space character is one token; whitespace is free.
 */
const PIECE = /[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu;

export function countTextTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const first = piece.codePointAt(0) as number;
    if (isLetter(first)) tokens += Math.ceil([...piece].length / 6);
    else if (isDigit(first)) tokens += Math.ceil(piece.length / 3);
    else tokens += 1;
  }
  return tokens;
}

const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;
function isLetter(codePoint: number): boolean {
  return LETTER.test(String.fromCodePoint(codePoint));
}
function isDigit(codePoint: number): boolean {
  return DIGIT.test(String.fromCodePoint(codePoint));
}

/** Fixed framing costs of a conversation, as chat templates add role markers around each message. */
export const TOKEN_OVERHEAD = Object.freeze({
  /** Start of the conversation and the assistant turn the model answers in. */
  conversation: 3,
  /** Per message (role markers). */
  message: 4,
  /** When a system prompt is present. */
  system: 2,
  /** An image block (a flat estimate, as for a ~1 megapixel image). */
  image: 1600,
});

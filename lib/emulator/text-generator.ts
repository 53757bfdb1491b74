import type { RandomSource } from "./random";

/**
 * Deterministic lorem-like answer text with an exact token count (by `countTextTokens`): every piece is one token,
 * and pieces never merge (words are separated by spaces, punctuation is one token each).
 */
const WORDS = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna " +
  "aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute " +
  "irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur sint occaecat cupidatat non " +
  "proident sunt culpa qui officia deserunt mollit anim id est laborum model token stream latency answer data"
)
  .split(" ")
  .filter((w) => w.length <= 6);

/** Returns `tokens` pieces whose concatenation is the answer text; piece i is token i. */
export function generateTokens(tokens: number, random: RandomSource): string[] {
  const pieces: string[] = [];
  let sentenceLength = 0;
  let sentenceTarget = random.integer(6, 16);
  for (let i = 0; i < tokens; i++) {
    const remaining = tokens - i;
    if (sentenceLength >= sentenceTarget || (remaining === 1 && sentenceLength > 0)) {
      pieces.push(".");
      sentenceLength = 0;
      sentenceTarget = random.integer(6, 16);
      continue;
    }
    if (sentenceLength > 3 && remaining > 2 && random.chance(0.08)) {
      pieces.push(",");
      continue;
    }
    const word = random.pick(WORDS);
    const capitalised = sentenceLength === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    pieces.push(i === 0 ? capitalised : ` ${capitalised}`);
    sentenceLength++;
  }
  return pieces;
}


import type { SeededRandom } from "../base/random";

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

/**
 * Answer text drawn token by token as it is written (an in-flight stream keeps no text in memory).
 * `take(n)` returns the next `n` tokens; `ending` makes the last token of the answer end its sentence.
 */
export class TokenText {
  private produced = 0;
  private sentenceLength = 0;
  private sentenceTarget: number;

  constructor(
    /** Tokens in the whole answer. */
    private readonly total: number,
    private readonly random: SeededRandom,
  ) {
    this.sentenceTarget = random.integer(6, 16);
  }

  /** The next `count` tokens' text. */
  take(count: number): string {
    let text = "";
    const random = this.random;
    for (let k = 0; k < count; k++, this.produced++) {
      const remaining = this.total - this.produced;
      if (this.sentenceLength >= this.sentenceTarget || (remaining === 1 && this.sentenceLength > 0)) {
        text += ".";
        this.sentenceLength = 0;
        this.sentenceTarget = random.integer(6, 16);
        continue;
      }
      if (this.sentenceLength > 3 && remaining > 2 && random.chance(0.08)) {
        text += ",";
        continue;
      }
      const word = random.pick(WORDS);
      const capitalised = this.sentenceLength === 0 ? CAPITALISED.get(word) as string : word;
      text += this.produced === 0 ? capitalised : ` ${capitalised}`;
      this.sentenceLength++;
    }
    return text;
  }
}

const CAPITALISED = new Map(WORDS.map((w) => [w, w.charAt(0).toUpperCase() + w.slice(1)]));

/** Returns `tokens` pieces whose concatenation is the answer text; piece i is token i. */
export function generateTokens(tokens: number, random: SeededRandom): string[] {
  const text = new TokenText(tokens, random);
  return Array.from({ length: tokens }, () => text.take(1));
}

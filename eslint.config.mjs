// Lint: the layer rule of ARCHITECTURE.md (eslint-plugin-boundaries) and the usual TypeScript rules.
// The layer rule is the architecture: do not loosen it to make a change pass; move the code to the right layer.
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

/** The layers of lib/, lowest first, and what each may import (besides itself and packages). See ARCHITECTURE.md. */
export const LAYERS = {
  base: [],
  records: ["base"],
  emulator: ["base"],
  inputs: ["base", "emulator"],
  engine: ["base", "records", "inputs", "emulator"],
  analysis: ["base", "records", "inputs"],
  report: ["base", "records", "inputs", "analysis"],
  app: ["base", "records", "inputs", "emulator", "engine", "analysis", "report"],
  notebook: ["base", "records", "inputs", "emulator", "engine", "analysis", "report", "app"],
  cli: ["base", "records", "inputs", "emulator", "engine", "analysis", "report", "app"],
  api: ["base", "records", "inputs", "emulator", "engine", "analysis", "report", "app", "notebook"],
};

const elements = [
  ...Object.keys(LAYERS)
    .filter((layer) => layer !== "api")
    .map((layer) => ({ type: layer, pattern: `lib/${layer}`, partialMatch: false })),
  // The public API: lib/index.ts (the only file at the top of lib/; the layers match first).
  { type: "api", pattern: "lib", partialMatch: false },
];

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", ".jupyter/**", ".venv/**", "results/**", "results-analysis/**", "lib/bin/**", "test/fixtures/**"],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { project: ["./tsconfig.check.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "it", "describe", "suite"] }] },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": elements,
      "boundaries/include": ["lib/**/*.ts"],
      "import/resolver": { node: { extensions: [".ts", ".js", ".json"] } },
    },
    rules: {
      "boundaries/no-unknown-files": "error",
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: Object.entries(LAYERS).map(([layer, allowed]) => ({
            from: { element: { type: layer } },
            allow: { to: { element: { types: { anyOf: [layer, ...allowed] } } } },
          })),
        },
      ],
    },
  },
  {
    // Test helpers and fixtures build odd values on purpose; keep the type-safety rules, relax the stylistic ones.
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);

import escapeHtmlLib from "escape-html";

/** Escapes user text (prompts, responses, model IDs) for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return escapeHtmlLib(text === null || text === undefined ? "" : String(text));
}

/**
 * JSON for embedding inside a `<script>` element: `<`, `>`, `&` and the JS line separators are escaped,
 * so no user string can close the script element or break out of it.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

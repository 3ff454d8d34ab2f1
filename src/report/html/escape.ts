/**
 * Text from a model (names, ids, descriptions) made safe for HTML text, SVG text and quoted
 * attributes alike: the five markup characters become entities, and control characters (which
 * XML forbids and a terminal would obey) become U+FFFD, so a hostile name shows as text.
 */
export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ENTITIES[c] ?? "\uFFFD");
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** A stage or stream as the reader knows it: its name, or its id when it has none. */
export const nameOf = (id: string, name: string | undefined) => escapeHtml(name && name.trim() !== "" ? name : id);

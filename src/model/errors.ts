/**
 * Every problem with a model file is reported the same way: the file, the field path and what is
 * wrong, one line each, all of them at once. This is the one place their wording is assembled.
 */
export interface Problem {
  file: string;
  /** Dotted field path, e.g. "stages.security.servers"; "" for the document itself. */
  path: string;
  message: string;
}

/**
 * Text from a model, a file name or the command line shown on a terminal: control characters and
 * escape sequences are made visible instead of being obeyed (a stage key "\e]0;pwned\a" would
 * retitle the terminal). The one implementation: report/ re-exports it.
 */
export function safeText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** One line per problem; every piece of it may hold the user's text, so the whole line is made safe. */
export function formatProblem(p: Problem): string {
  return safeText(p.path ? `${p.file}: ${p.path} ${p.message}` : `${p.file}: ${p.message}`);
}

/** Bad input: the CLI exits 2 and prints one line per problem. */
export class ModelError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ModelError";
    this.problems = problems;
  }
}

/** Joins path segments the way a user writes them: stages.security.servers, streams.web.route[2]. */
export function pathString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** A short, safe rendering of a user's value for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Levenshtein distance, for did-you-mean on near misses. */
function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

export function unknownName(kind: string, name: string, known: readonly string[]): string {
  const guess = didYouMean(name, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  const list = known.length ? `; known ${kind}s: ${known.join(", ")}` : `; there are no ${kind}s`;
  return `names unknown ${kind} "${name}"${hint}${list}`;
}

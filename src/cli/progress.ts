/**
 * A one-line progress bar on a terminal: replications done, rate, time left. It stays silent
 * for the first second, so short runs print nothing, and clears itself when the run ends.
 */
export function progressBar(out: NodeJS.WriteStream, width = 24) {
  let last = 0;
  return ({ done, total, seconds }: { done: number; total: number; seconds: number }) => {
    if (seconds < 1) return;
    if (done < total && seconds - last < 0.1) return;
    last = seconds;
    const rate = done / seconds;
    const filled = Math.round((width * done) / total);
    const left = rate > 0 ? Math.ceil((total - done) / rate) : NaN;
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} replications  ${rate.toFixed(1)}/s  ~${left}s left`;
    out.write(done < total ? `\r${line}` : `\r${" ".repeat(line.length)}\r`);
  };
}

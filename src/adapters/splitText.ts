/**
 * Splits text into chunks of at most `limit` characters for platforms with message limits,
 * preferring paragraph, then line, then word boundaries, and never leaving a code fence or an
 * inline-markdown pair (`**`, `__`, `~~`, `` ` ``) open across chunks.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 16) throw new RangeError("limit too small");
  const chunks: string[] = [];
  let rest = text;
  let reopenFence = "";
  while (rest.length > 0) {
    const budget = limit - reopenFence.length - 4; // room to close a fence
    if (reopenFence.length + rest.length <= limit) {
      chunks.push(reopenFence + rest);
      break;
    }
    let cut = bestCut(rest, budget);
    let chunk = rest.slice(0, cut);
    // Keep inline markers balanced: move an unmatched opener to the next chunk.
    for (const marker of ["**", "__", "~~", "`"]) {
      const outsideFences = chunk.replace(/```[\s\S]*?```/g, "");
      if (marker === "`" && /```/.test(outsideFences)) continue;
      const count = outsideFences.split(marker).length - 1;
      if (count % 2 === 1) {
        const at = chunk.lastIndexOf(marker);
        if (at > 0) {
          cut = at;
          chunk = rest.slice(0, cut);
        }
      }
    }
    const fenceOpen = ((reopenFence + chunk).match(/```/g) ?? []).length % 2 === 1;
    const fenceLang = fenceOpen ? (/```(\w*)[^`]*$/.exec(reopenFence + chunk)?.[1] ?? "") : "";
    chunks.push((reopenFence + chunk).trimEnd() + (fenceOpen ? "\n```" : ""));
    reopenFence = fenceOpen ? `\`\`\`${fenceLang}\n` : "";
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  return chunks.filter((c) => c.trim() !== "");
}

function bestCut(text: string, budget: number): number {
  const window = text.slice(0, budget + 1);
  for (const boundary of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(boundary);
    if (at > budget / 2) return at;
  }
  // No boundary in sight: cut hard, but not inside a surrogate pair.
  const code = text.charCodeAt(budget - 1);
  return code >= 0xd800 && code <= 0xdbff ? budget - 1 : budget;
}

/** Cuts text to `limit` characters at a word boundary, with an ellipsis. */
export function truncateText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > limit / 2 ? cut.slice(0, space) : cut}…`;
}

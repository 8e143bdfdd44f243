/**
 * How `sidbot eval` treats the operator's allow- and deny-lists (`catalog.allowPath`,
 * `catalog.denyPath`). By default it evaluates without them: they describe today's stock, not the
 * model or the catalog, and a historical row's next item may well be out of stock, so applying them
 * silently would change the figures from one day to the next. `--operator-lists` applies them;
 * the report then says so and coverage is over the items they allow.
 */
/** What the report records about the lists. */
export interface OperatorListsUse {
  /** Whether requests were filtered by the lists (`--operator-lists`). */
  applied: boolean;
  allowPath: string | null;
  denyPath: string | null;
  /** Items the lists allow when applied; the catalog size otherwise. */
  allowed: number;
}

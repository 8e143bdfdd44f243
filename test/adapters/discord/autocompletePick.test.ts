import { describe, expect, it } from "vitest";
import { pickedItemId, pickValue } from "../../../src/adapters/discord/autocompletePick.js";

describe("autocomplete choice values", () => {
  it("round-trip an item id within Discord's 100 characters", () => {
    for (const id of ["66096", "66096.aZ_-"]) {
      expect(pickValue(id).length).toBeLessThanOrEqual(100);
      expect(pickedItemId(pickValue(id))).toBe(id);
    }
  });

  it("leave typed text a title, numbers and look-alikes included", () => {
    for (const typed of ["Halo 3", "1942", "2", "Kid:2", "my id:5"]) expect(pickedItemId(typed)).toBeUndefined();
  });

  it("read anything marked id: as an id, however malformed, so it is never searched as a title", () => {
    expect(pickedItemId(" id:12.abcd ")).toBe("12.abcd");
    expect(pickedItemId("id:99999999999999999999")).toBe("99999999999999999999");
    expect(pickedItemId("id:")).toBe("");
    expect(pickedItemId("id: 5")).toBe("5");
  });
});

import { describe, expect, it } from "vitest";
import { pickedItemId, pickValue } from "../../../src/adapters/discord/autocompletePick.js";

describe("autocomplete choice values", () => {
  it("round-trip an item id within Discord's 100 characters", () => {
    expect(pickValue("66096").length).toBeLessThanOrEqual(100);
    expect(pickedItemId(pickValue("66096"))).toBe("66096");
  });

  it("leave typed text a title, numbers and look-alikes included", () => {
    for (const typed of ["Halo 3", "1942", "2", "id:", "id:abc", "Kid:2", "id: 5", "id:5 and Halo"])
      expect(pickedItemId(typed)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import {
  CORRUPT_MESSAGE,
  IMAGES_DROPPED_MESSAGE,
  localStorageRepository,
  QUOTA_MESSAGE,
  RepositoryError,
  STORAGE_PREFIX,
  UNAVAILABLE_MESSAGE,
} from "@/components/builder/state/repository";
import { withFirstVersion } from "./fixtures";

/** The Web Storage interface over a Map, with an optional byte quota like a browser's. */
class MapStorage implements Storage {
  private readonly map = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.map.size;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.map].reduce((n, [k, v]) => (k === key ? n : n + k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) {
      throw Object.assign(new Error("The quota has been exceeded."), { name: "QuotaExceededError", code: 22 });
    }
    this.map.set(key, String(value));
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  clear() {
    this.map.clear();
  }
}

const project = (id = "p1", updatedAt = "2026-11-01T10:00:00.000Z") => ({ ...withFirstVersion().project, id, updatedAt });

describe("localStorageRepository", () => {
  it("saves, lists newest first, loads and removes", async () => {
    const repo = localStorageRepository({ storage: new MapStorage() });
    await repo.save(project("a", "2026-11-01T10:00:00.000Z"));
    await repo.save(project("b", "2026-11-02T10:00:00.000Z"));
    expect((await repo.list()).map((p) => p.id)).toEqual(["b", "a"]);
    expect(await repo.load("a")).toEqual(project("a", "2026-11-01T10:00:00.000Z"));
    expect(await repo.load("missing")).toBeNull();
    await repo.remove("b");
    expect((await repo.list()).map((p) => p.id)).toEqual(["a"]);
  });

  it("uses a versioned key per project plus an index", async () => {
    const storage = new MapStorage();
    await localStorageRepository({ storage }).save(project("a"));
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
    expect(keys.sort()).toEqual([`${STORAGE_PREFIX}.index`, `${STORAGE_PREFIX}.project.a`]);
  });

  it("reports a full storage as a clear error and leaves the caller's project alone", async () => {
    const storage = new MapStorage(300);
    const repo = localStorageRepository({ storage });
    const big = project("big");
    const before = JSON.stringify(big);
    const error = await repo.save(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryError);
    expect((error as RepositoryError).code).toBe("quota");
    expect((error as RepositoryError).message).toBe(QUOTA_MESSAGE);
    expect(QUOTA_MESSAGE).toMatch(/full/);
    expect(JSON.stringify(big)).toBe(before);
  });

  it("keeps the project without its images when only the images do not fit", async () => {
    const base = project("img");
    const small = JSON.stringify(base).length;
    const warnings: string[] = [];
    const repo = localStorageRepository({ storage: new MapStorage(small * 2 + 500), onWarning: (m) => warnings.push(m) });
    const withImage = {
      ...base,
      messages: [...base.messages, { id: "u9", role: "user" as const, content: "like this", createdAt: base.createdAt, images: [{ mediaType: "image/png" as const, data: "A".repeat(small * 3), name: "shot.png" }] }],
    };
    await repo.save(withImage);
    expect(warnings).toEqual([IMAGES_DROPPED_MESSAGE]);
    const loaded = await repo.load("img");
    expect(loaded?.messages.at(-1)?.images).toEqual([{ mediaType: "image/png", data: "", name: "shot.png" }]);
    // The caller's copy still has its image.
    expect(withImage.messages.at(-1)?.images?.[0]?.data.length).toBe(small * 3);
  });

  it("ignores a corrupt project with a warning", async () => {
    const storage = new MapStorage();
    const warnings: string[] = [];
    const repo = localStorageRepository({ storage, onWarning: (m) => warnings.push(m) });
    await repo.save(project("ok"));
    storage.setItem(`${STORAGE_PREFIX}.project.bad`, "{not json");
    storage.setItem(`${STORAGE_PREFIX}.project.wrong`, JSON.stringify({ id: "wrong", versions: "nope" }));
    expect(await repo.load("bad")).toBeNull();
    expect(await repo.load("wrong")).toBeNull();
    expect(warnings).toEqual([CORRUPT_MESSAGE, CORRUPT_MESSAGE]);
    expect(await repo.load("ok")).not.toBeNull();
  });

  it("rebuilds a corrupt index from the project keys", async () => {
    const storage = new MapStorage();
    const warnings: string[] = [];
    const repo = localStorageRepository({ storage, onWarning: (m) => warnings.push(m) });
    await repo.save(project("a"));
    storage.setItem(`${STORAGE_PREFIX}.index`, "]]]");
    expect((await repo.list()).map((p) => p.id)).toEqual(["a"]);
    expect(warnings).toEqual([CORRUPT_MESSAGE]);
  });

  it("says so when storage is unavailable", async () => {
    const repo = localStorageRepository({ storage: () => null });
    await expect(repo.list()).rejects.toThrow(UNAVAILABLE_MESSAGE);
  });
});

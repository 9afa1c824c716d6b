import { describe, expect, it } from "vitest";
import { exportReadme, type ReadmeInput } from "@/lib/export";

const readme = (overrides: Partial<ReadmeInput>) =>
  exportReadme({ title: "Demo", n: 2, template: "python", entry: "main.py", port: null, added: [], ownPackageJson: false, ...overrides });

describe("exportReadme", () => {
  it("gives the Python commands with the entry", () => {
    const text = readme({ added: [{ path: "requirements.txt", content: "", purpose: "packages." }] });
    expect(text).toContain("```sh\npython3 -m venv .venv\n");
    expect(text).toContain("pip install -r requirements.txt\npython3 main.py\n```");
    expect(text).toContain("- `requirements.txt`: packages.");
    expect(text).toMatch(/^# Demo\n\nVersion 2\. Template: Python\.\n/);
  });

  it("quotes an entry that is not a plain shell word", () => {
    expect(readme({ entry: "my app's/run me.py" })).toContain("python3 'my app'\\''s/run me.py'\n");
  });

  it("keeps an untrusted title on one line", () => {
    const text = readme({ title: "Hi\n\n## Injected\r\n\u202Eevil" });
    expect(text.split("\n")[0]).toBe("# Hi \\#\\# Injected evil");
    expect(text).not.toContain("\u202E");
  });

  it("survives backticks in a path", () => {
    expect(readme({ added: [{ path: "a`b.txt", content: "", purpose: "x." }] })).toContain("- ``a`b.txt``: x.");
  });

  it("describes an unknown template without inventing commands", () => {
    const text = readme({ template: "deno\nserver", entry: "main.ts", port: 8000 });
    expect(text).toContain("`deno server` template");
    expect(text).toContain("port 8000");
    expect(text).not.toContain("npm install");
  });
});

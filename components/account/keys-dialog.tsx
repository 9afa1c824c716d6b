"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { KeyRound, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { deleteKeptKey, listKeptKeys, saveKeptKey, type KeptKey } from "./keys-api";

export interface KeyedProvider {
  id: string;
  label: string;
}

/** API keys the user asks Tessera to keep: sealed on the server, shown only by their last 4. */
export function KeysDialog({ open, onClose, providers }: { open: boolean; onClose: () => void; providers: KeyedProvider[] }) {
  const router = useRouter();
  const [keys, setKeys] = React.useState<KeptKey[] | null>(null);
  const [enabled, setEnabled] = React.useState(true);
  const [provider, setProvider] = React.useState(providers[0]?.id ?? "");
  const [apiKey, setApiKey] = React.useState("");
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);

  React.useEffect(() => {
    if (!open) return;
    void listKeptKeys().then(
      (r) => (setKeys(r.keys), setEnabled(r.enabled)),
      (err: Error) => (setKeys([]), setError(err.message)),
    );
  }, [open]);

  const label = (id: string) => providers.find((p) => p.id === id)?.label ?? id;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { key } = await saveKeptKey(provider, apiKey);
      setKeys((list) => [...(list ?? []).filter((k) => k.provider !== key.provider), key].sort((a, b) => a.provider.localeCompare(b.provider)));
      setApiKey("");
      // The model picker offers this provider's models now.
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "The key could not be saved.");
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    setError(null);
    try {
      await deleteKeptKey(id);
      setKeys((list) => list?.filter((k) => k.provider !== id) ?? list);
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "The key could not be deleted.");
    }
  };

  return (
    <Dialog
      open={open}
      onClose={() => {
        setError(null);
        setApiKey("");
        onClose();
      }}
      testId="keys-dialog"
      title="Your API keys"
      description="Kept encrypted on this server and used only for your own requests. Only the last 4 characters are ever shown."
    >
      {!enabled ? (
        <p data-testid="keys-disabled" className="rounded-md border border-warning/30 bg-warning/10 p-2 text-xs">
          This server does not keep API keys: its operator has not set KEYS_ENCRYPTION_KEY.
        </p>
      ) : (
        <form onSubmit={(e) => void save(e)} className="flex flex-col gap-2">
          <div className="flex gap-2">
            <select aria-label="Provider" data-testid="key-provider" value={provider} onChange={(e) => setProvider(e.target.value)} className="h-9 rounded-md border bg-background px-2 text-sm">
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
            <Input
              type="password"
              autoComplete="off"
              data-testid="key-input"
              aria-label="API key"
              placeholder="Paste the key"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </div>
          <Button type="submit" size="sm" data-testid="key-save" disabled={busy || apiKey.trim().length < 8} className="self-start">
            <KeyRound aria-hidden />
            {busy ? "Saving…" : "Save key"}
          </Button>
        </form>
      )}
      {error ? (
        <p role="alert" data-testid="keys-error" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <ul data-testid="key-list" className="flex flex-col gap-1 text-sm">
        {keys?.length === 0 ? <li className="text-xs text-muted-foreground">No keys kept.</li> : null}
        {keys?.map((k) => (
          <li key={k.provider} data-testid="key-item" className="flex items-center gap-2">
            <span className="flex-1">
              {label(k.provider)} <span className="font-mono text-xs text-muted-foreground">••••{k.last4}</span>
            </span>
            <Button variant="ghost" size="sm" data-testid="key-delete" onClick={() => void remove(k.provider)}>
              <Trash2 aria-hidden />
              Delete
            </Button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}

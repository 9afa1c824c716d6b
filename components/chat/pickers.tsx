"use client";

import * as React from "react";
import type { ModelOption, TemplateOption } from "@/components/builder/types";
import { cn } from "@/lib/utils";

/*
 * Native selects: keyboard, screen readers and mobile pickers work as people expect, and nothing
 * needs positioning styles (which the CSP would refuse inline).
 */
const selectClass = cn(
  "h-7 max-w-[11rem] min-w-0 truncate rounded-md border border-input bg-background px-2 text-xs text-foreground",
  "outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50",
);

export function modelOptionLabel(model: ModelOption): string {
  return model.images ? `${model.label} (images)` : model.label;
}

export function ModelPicker({
  models,
  value,
  onChange,
  disabled,
}: {
  models: ModelOption[];
  value: string | null;
  onChange: (id: string) => void;
  disabled?: boolean;
}) {
  const id = React.useId();
  if (models.length === 0) return null;
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Model
      </label>
      <select id={id} data-testid="model-picker" value={value ?? ""} disabled={disabled} onChange={(e) => onChange(e.target.value)} className={selectClass}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {modelOptionLabel(m)}
          </option>
        ))}
      </select>
    </>
  );
}

export function TemplatePicker({
  templates,
  value,
  onChange,
  disabled,
}: {
  templates: TemplateOption[];
  value: string;
  onChange: (id: string) => void;
  disabled?: boolean;
}) {
  const id = React.useId();
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Template
      </label>
      <select id={id} data-testid="template-picker" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} className={selectClass}>
        <option value="auto">Auto</option>
        {templates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.title}
          </option>
        ))}
      </select>
    </>
  );
}

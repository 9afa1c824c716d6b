// Tells the app about a preview's runtime errors. Added by the static templates' builds as the
// first script of every page (an external file: the preview's CSP allows no inline script).
// Each error is posted to the framing app as
//   { source: "tessera-preview", type: "error", message, stack?, filename?, line?, column? }
// (lib/fragment/protocol.ts, previewErrorMessageSchema). targetOrigin is "*" because this page's
// origin is opaque and cannot name the app's; the app checks event.source instead.
//
// Scripts of an opaque-origin page are cross-origin to it, so the browser hides the details of
// errors they throw ("Script error.") unless the preview is served with CORS. React 19 hands its
// uncaught errors to window.reportError, which it looks up once when it loads: wrapping that here,
// before the app's script, gets the real error object either way.
(function () {
  "use strict";
  var SOURCE = "tessera-preview";
  var MAX_REPORTS = 20;
  var CAPS = { message: 2000, stack: 8000, filename: 500 };
  var parentWindow = window.parent;
  if (!parentWindow || parentWindow === window) return;

  // The preview's capability URL (with its token) is stripped from what is reported: the app
  // shows these messages, and a token in them could end up copied somewhere.
  var script = document.currentScript;
  var base = script && script.src ? script.src.slice(0, script.src.lastIndexOf("/") + 1) : "";
  var sent = 0;
  var seen = {};
  var inReportError = false;
  var reportedErrors = typeof WeakSet === "function" ? new WeakSet() : null;

  function cap(value, max) {
    var text = String(value);
    if (base) text = text.split(base).join("");
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  function describe(value) {
    if (value instanceof Error || (value && typeof value === "object" && typeof value.message === "string")) {
      return (value.name ? value.name + ": " : "") + value.message;
    }
    try {
      return typeof value === "string" ? value : JSON.stringify(value);
    } catch {
      return String(value);
    }
  }

  function post(report, error) {
    if (error && typeof error === "object" && reportedErrors) {
      if (reportedErrors.has(error)) return;
      reportedErrors.add(error);
    }
    var message = { source: SOURCE, type: "error", message: cap(report.message || "Unknown error", CAPS.message) };
    if (typeof report.stack === "string" && report.stack) message.stack = cap(report.stack, CAPS.stack);
    if (typeof report.filename === "string" && report.filename) message.filename = cap(report.filename, CAPS.filename);
    // Lines count from 1: a 0 is the browser saying it does not know (or will not say).
    if (typeof report.line === "number" && report.line >= 1 && report.line % 1 === 0) {
      message.line = report.line;
      if (typeof report.column === "number" && report.column >= 0 && report.column % 1 === 0) message.column = report.column;
    }
    // One report per distinct error, and a bounded number in all: a throw in an animation frame
    // must not flood the app.
    var key = [message.message, message.filename, message.line, message.column].join("\n");
    if (seen[key] || sent >= MAX_REPORTS) return;
    seen[key] = true;
    sent++;
    try {
      parentWindow.postMessage(message, "*");
    } catch {
      // Nothing more can be done from here.
    }
  }

  function fromError(error) {
    return { message: describe(error), stack: error && error.stack };
  }

  window.addEventListener("error", function (event) {
    // Resource load failures (a missing image) reach capturing listeners as plain Events: not ours.
    if (!(event instanceof ErrorEvent)) return;
    // Already reported, with its details, by the reportError wrapper that dispatched this event.
    if (inReportError) return;
    var report = event.error ? fromError(event.error) : { message: event.message };
    report.filename = event.filename;
    report.line = event.lineno;
    report.column = event.colno;
    post(report, event.error);
  });

  window.addEventListener("unhandledrejection", function (event) {
    var report = fromError(event.reason);
    report.message = "Unhandled promise rejection: " + report.message;
    post(report, event.reason);
  });

  if (typeof window.reportError === "function") {
    var original = window.reportError;
    window.reportError = function (error) {
      post(fromError(error), error);
      inReportError = true;
      try {
        return original.apply(window, arguments);
      } finally {
        inReportError = false;
      }
    };
  }
})();

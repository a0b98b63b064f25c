// Import this FIRST in a webview entry. zod probes `new Function` while schemas are being built (its
// fast path); the webview CSP forbids eval, so the probe would only produce a CSP violation report.
// Module order matters: this must run before any module that defines a schema.
import { z } from 'zod';

z.config({ jitless: true });

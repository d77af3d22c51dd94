/**
 * Production entry point: `probot run ./lib/index.js`. Configure with environment
 * variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, SUPPORT_TRIAGE_SWEEP_SECRET, …).
 */
import { createApp } from "./app.js";

export default createApp();

// Loaded before the specs by .mocharc.production.json (node --import): rxplow in production mode, as a production
// bundle runs it (coded diagnostics without their text, `invalidEvents: 'drop'` by default; docs/errors.md).
process.env.NODE_ENV = 'production';

// Placeholder entry point written by the rig; replace freely.
export const VERSION = '0.1.0';

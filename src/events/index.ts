// Event constructors and types. No registry here: each constructor carries its own definition (see registry.ts).
export { pageView, pagePing, linkClick, siteSearch } from './web.js';
export { formFocusOrChange, formSubmission } from './forms.js';
export { structEvent, selfDescribingEvent } from './structured.js';
export { screenView, mobileScreenView } from './screen.js';
export { ecommerceTransaction, addToCart, removeFromCart } from './ecommerce.js';
export { adImpression, adClick, adConversion } from './ads.js';
export { consentGranted, consentWithdrawn } from './consent.js';
export { socialInteraction, timing, applicationError } from './engagement.js';
export type { TrackerEvent, EventKind, EventFields, EventRegistry } from './registry.js';

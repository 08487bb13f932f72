import { z } from 'zod';

/**
 * The languages the box office answers in. A conversation that starts in
 * Spanish is answered in Spanish (dialogs/language.ts), and so are the
 * notices about the orders it makes (src/notifications/notice.messages.ts).
 */
export const languageSchema = z.enum(['en', 'es']);
export type Language = z.infer<typeof languageSchema>;

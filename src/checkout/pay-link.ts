// The short link a customer pays by (DESIGN rule 12): built by the services
// that send it, answered by payments/pay-link.route.ts.

export const PAY_LINK_PATH = '/p/:orderId';

/** The short link of an order or upgrade offer: https://tickets.example.com/p/BX-7K2Q. */
export function payLinkFor(publicBaseUrl: string, id: string): string {
  return `${publicBaseUrl}/p/${id}`;
}

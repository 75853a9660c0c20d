/** The short reference buyers and sellers see for an order, everywhere (pages, mails, Checkout): `#A719892E`. */
export function orderRef(id: string): string {
  return `#${id.slice(0, 8).toUpperCase()}`;
}

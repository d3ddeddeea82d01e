/**
 * The inbound breadth attack of issue 11, shared by the budget test and the `inbound-hostile`
 * benchmark: a multipart/digest whose parts are all empty (`"--B\r\n\r\n"` repeated to fill
 * `size` bytes, ~116,000 parts per MiB). Each digest part defaults to message/rfc822, so a parser
 * without a breadth budget parses every one as a message.
 */
export function digestBomb(size: number): Uint8Array {
  const head =
    "From: a@example.org\r\nTo: b@example.com\r\nSubject: digest\r\nMIME-Version: 1.0\r\n" +
    "Content-Type: multipart/digest; boundary=B\r\n\r\n";
  const tail = "--B--\r\n";
  const unit = "--B\r\n\r\n";
  return new TextEncoder().encode(
    head + unit.repeat(Math.floor((size - head.length - tail.length) / unit.length)) + tail,
  );
}

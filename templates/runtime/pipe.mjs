// Shared by the in-sandbox relays: join two sockets and tear both down when either side fails.
export function pipeBoth(client, upstream) {
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
}

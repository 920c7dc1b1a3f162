import { useState, type FormEvent } from 'react';
import { formatTime } from './format';
import { createShopConnection, deleteShopConnection, listShopConnections, type ShopConnectionBody } from './shops-api';
import { useResource } from './use-resource';

/** Connected shops: connect Shopify or WooCommerce with its webhook secret, see the URL to paste into the shop, disconnect. */
export function ShopsSection() {
  const shops = useResource(listShopConnections);
  const [platform, setPlatform] = useState<ShopConnectionBody['platform']>('shopify');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<unknown>) {
    setError(undefined);
    setBusy(true);
    try {
      await work();
      shops.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await createShopConnection({ platform, name, secret });
      setName('');
      setSecret('');
    });
  }
  const rows = shops.data?.data ?? [];
  return (
    <section aria-labelledby="shops-title" className="shops">
      <h3 id="shops-title">Connected shops</h3>
      <p className="muted">
        Orders, refunds and checkouts from your shop become customer events (for segments, lifecycle and automations). A shop’s email or SMS marketing consent never becomes WhatsApp consent. In the shop, send orders (created, paid, cancelled), refunds, checkouts and customers to the URL below; Shopify’s customer redaction requests erase the contact here too.
      </p>
      <form className="inline-form" onSubmit={submit} aria-label="Connect a shop">
        <label htmlFor="shop-platform">Shop</label>
        <select id="shop-platform" value={platform} onChange={(e) => setPlatform(e.target.value as ShopConnectionBody['platform'])}>
          <option value="shopify">Shopify</option>
          <option value="woocommerce">WooCommerce</option>
        </select>
        <label htmlFor="shop-name">Name</label>
        <input id="shop-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="e.g. Acme store" />
        <label htmlFor="shop-secret">Webhook secret</label>
        <input id="shop-secret" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} required minLength={8} maxLength={500} placeholder="the secret your shop signs webhooks with" autoComplete="off" />
        <button type="submit" disabled={busy}>
          Connect shop
        </button>
      </form>
      {(error ?? shops.error) && (
        <p className="error" role="alert">
          {error ?? shops.error}
        </p>
      )}
      {shops.data && rows.length === 0 && <p className="muted">No shop connected yet.</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="compact" aria-label="Connected shops">
            <thead>
              <tr>
                <th scope="col">Shop</th>
                <th scope="col">Paste this webhook URL into the shop</th>
                <th scope="col">Last event</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.name} <span className="muted">({s.platform === 'shopify' ? 'Shopify' : 'WooCommerce'})</span>
                  </td>
                  <td>
                    <code data-testid="shop-webhook-url">{s.webhook_url}</code>
                  </td>
                  <td>{s.last_event_at ? formatTime(s.last_event_at) : 'none yet'}</td>
                  <td>
                    <button type="button" className="danger" disabled={busy} onClick={() => void run(() => deleteShopConnection(s.id))}>
                      Disconnect
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

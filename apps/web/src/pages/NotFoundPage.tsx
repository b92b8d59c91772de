import { Link } from "../router/Link.tsx";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link to="/">Go to your organizations</Link>.
      </p>
    </section>
  );
}

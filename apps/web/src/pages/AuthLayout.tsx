import type { ReactNode } from "react";

/** The centred card around the sign-in and sign-up forms. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Atelier</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

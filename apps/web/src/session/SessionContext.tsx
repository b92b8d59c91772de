import type { UserView } from "@atelier/shared";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { type ApiClient, type ApiConnection, createApiConnection } from "../api/trpcClient.ts";
import { errorMessage } from "../api/errorMessage.ts";
import { onSessionLost } from "../api/sessionExpiry.ts";

export interface Session {
  /** `undefined` until the server has said who is signed in. */
  user: UserView | null | undefined;
  /** Why the first `auth.me` failed, if it did. */
  loadError: string | null;
  client: ApiClient;
  signIn(input: { email: string; password: string }): Promise<void>;
  signUp(input: { email: string; password: string; name: string }): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [connection, setConnection] = useState<ApiConnection>(() => createApiConnection());
  const [user, setUser] = useState<UserView | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const connectionRef = useRef(connection);
  connectionRef.current = connection;

  useEffect(() => {
    connectionRef.current.client.auth.me.query().then(
      (me) => setUser(me.user),
      (err: unknown) => setLoadError(errorMessage(err)),
    );
  }, []);

  // A session can end elsewhere (another tab signed out, expiry): check again when the tab comes
  // back and whenever a call is refused as unauthenticated.
  useEffect(() => {
    const recheck = () => {
      connectionRef.current.client.auth.me.query().then(
        (me) => setUser((current) => (current?.id === me.user?.id ? current : me.user)),
        () => undefined,
      );
    };
    const onVisible = () => document.visibilityState === "visible" && recheck();
    document.addEventListener("visibilitychange", onVisible);
    const stopListening = onSessionLost(recheck);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      stopListening();
    };
  }, []);

  // The WebSocket only learns who we are on its upgrade: a new identity needs a new connection.
  const adopt = useCallback(async (previous: ApiConnection) => {
    const next = createApiConnection();
    previous.close();
    setConnection(next);
    const me = await next.client.auth.me.query();
    setUser(me.user);
  }, []);

  const signIn = useCallback(
    async (input: { email: string; password: string }) => {
      await connectionRef.current.client.auth.signIn.mutate(input);
      await adopt(connectionRef.current);
    },
    [adopt],
  );
  const signUp = useCallback(
    async (input: { email: string; password: string; name: string }) => {
      await connectionRef.current.client.auth.signUp.mutate(input);
      await adopt(connectionRef.current);
    },
    [adopt],
  );
  const signOut = useCallback(async () => {
    await connectionRef.current.client.auth.signOut.mutate();
    await adopt(connectionRef.current);
  }, [adopt]);

  const session = useMemo<Session>(
    () => ({ user, loadError, client: connection.client, signIn, signUp, signOut }),
    [user, loadError, connection, signIn, signUp, signOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used inside <SessionProvider>.");
  return session;
}

export function useApi(): ApiClient {
  return useSession().client;
}

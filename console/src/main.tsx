import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createConsoleRouter } from './app/router';
import { isProblem } from './lib/api';
import { applyTheme, followSystemTheme } from './lib/theme';
import './styles.css';

applyTheme();
followSystemTheme();

/** A 401 anywhere means the session ended (expired, revoked, signed out elsewhere): back to sign-in. */
function onError(error: unknown) {
  if (!isProblem(error, 401)) return;
  queryClient.setQueryData(['me'], null);
  const path = router.state.location.pathname;
  if (!['/sign-in', '/setup', '/reset-password', '/verify-email'].includes(path)) {
    void router.navigate({ to: '/sign-in', search: { redirect: router.state.location.href } });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (count, error) => !isProblem(error) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});
const router = createConsoleRouter(queryClient);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
}

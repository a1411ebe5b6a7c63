import { ContentList } from './ContentList';
import { KINDS } from './kinds';
import { pagesRoute } from './routes';

export default function PagesScreen() {
  return <ContentList info={KINDS.page} route={pagesRoute} />;
}

import { ContentList } from './ContentList';
import { KINDS } from './kinds';
import { articlesRoute } from './routes';

export default function ArticlesScreen() {
  return <ContentList info={KINDS.article} route={articlesRoute} />;
}

import { EditContent } from './EditContent';
import { KINDS } from './kinds';
import { articleRoute } from './routes';

export default function EditArticle() {
  const { contentId } = articleRoute.useParams();
  const { panel } = articleRoute.useSearch();
  return <EditContent info={KINDS.article} id={contentId} panel={panel} />;
}

import { EditContent } from './EditContent';
import { KINDS } from './kinds';
import { pageRoute } from './routes';

export default function EditPage() {
  const { contentId } = pageRoute.useParams();
  const { panel } = pageRoute.useSearch();
  return <EditContent info={KINDS.page} id={contentId} panel={panel} />;
}

import { KINDS } from './kinds';
import { NewContent } from './NewContent';

export default function NewArticle() {
  return <NewContent info={KINDS.article} />;
}

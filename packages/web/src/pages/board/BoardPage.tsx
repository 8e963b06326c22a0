/** Placeholder until the page lands. */
export default function BoardPage() {
  return (
    <div className="page">
      <h1>BoardPage</h1>
    </div>
  );
}

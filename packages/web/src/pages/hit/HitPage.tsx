/** Placeholder until the page lands. */
export default function HitPage() {
  return (
    <div className="page">
      <h1>HitPage</h1>
    </div>
  );
}

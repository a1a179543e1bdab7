package org.dsvstudio.session;

import org.dsvstudio.app.DsvExport;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;

/**
 * A finished run as it is kept and shared: what DeepKKT produced, the card of the model that produced it, and where
 * it came from. Everything a gallery, a figure or a report needs, without the model itself.
 *
 * @param title what the run is called in the app and in reports
 * @param imagesExact true when the images are the run's float32 values (a session), false when they were read back
 *     from 8-bit PNGs (a {@code generate} folder)
 * @param legibility what independent judges made of the kept DSVs, when they were judged (else null)
 * @param faithfulness the paper's support-vector checks of the run ({@code faithfulness --dsvs}), when measured
 */
public record SavedRun(String title, KktResult result, ModelCard card, DsvExport.Provenance provenance,
        boolean imagesExact, org.dsvstudio.evidence.Legibility.Report legibility,
        org.dsvstudio.evidence.Faithfulness.Report faithfulness) {

    /** A run not judged for legibility. */
    public SavedRun(String title, KktResult result, ModelCard card, DsvExport.Provenance provenance,
            boolean imagesExact) {
        this(title, result, card, provenance, imagesExact, null, null);
    }

    public SavedRun(String title, KktResult result, ModelCard card, DsvExport.Provenance provenance,
            boolean imagesExact, org.dsvstudio.evidence.Legibility.Report legibility) {
        this(title, result, card, provenance, imagesExact, legibility, null);
    }

    /** The same run with measurements attached (either may be null: kept as it was). */
    public SavedRun with(org.dsvstudio.evidence.Legibility.Report judged,
            org.dsvstudio.evidence.Faithfulness.Report checked) {
        return new SavedRun(title, result, card, provenance, imagesExact, judged != null ? judged : legibility,
                checked != null ? checked : faithfulness);
    }
}

package dev.preheat.internal.sitemap;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;

/** Creates StAX factories that cannot be made to read local files or expand entities. */
public final class SecureXml {

  private SecureXml() {}

  /**
   * A new, hardened factory: the JDK's built-in implementation (never one found on the class path,
   * whose properties may behave differently), DTDs and external entities disabled, no external
   * DTD or schema access, a resolver that refuses everything, non-coalescing so text arrives in
   * bounded chunks.
   *
   * <p>With DTDs disabled, a document that references an entity it declared in a DTD (XXE,
   * "billion laughs") fails at that reference with "entity ... was referenced, but not declared";
   * nothing is fetched or expanded. Factories are not shared between threads, so callers create
   * one per read.
   *
   * @return a new factory
   */
  public static XMLInputFactory newInputFactory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXMLResolver(
        (publicId, systemId, baseUri, namespace) -> {
          throw new XMLStreamException(
              "external resource " + systemId + " refused: sitemaps must not reference entities");
        });
    return factory;
  }
}

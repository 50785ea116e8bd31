from flask import Blueprint

blueprint = Blueprint("documents", __name__)
